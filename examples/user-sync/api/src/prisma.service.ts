import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '#prisma';

/**
 * The seed's `PrismaService` (it imports one without showing it): a PrismaClient for Nest's DI.
 * Gatehouse example: with the pg driver adapter, since the client is generated with
 * `engineType = "client"` (no native query engine to download).
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor() {
    super({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL }) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
