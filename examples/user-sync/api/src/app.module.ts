import { Module } from '@nestjs/common';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { FavoritesController } from './favorites/favorites.controller';
import { PrismaService } from './prisma.service';
import { WebhooksController } from './webhooks/webhooks.controller';

@Module({
  controllers: [AuthController, FavoritesController, WebhooksController],
  providers: [AuthService, PrismaService],
})
export class AppModule {}
