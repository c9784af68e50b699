import { BadRequestException, Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { SessionGuard, type SignedInRequest } from '../auth/session.guard';
import { PrismaService } from '../prisma.service';

/** The signed-in user's favorites: rows keyed by the User row's id, the Gatehouse user id. */
@Controller('api/favorites')
@UseGuards(SessionGuard)
export class FavoritesController {
  constructor(private readonly prisma: PrismaService) {}

  @Get()
  async list(@Req() request: SignedInRequest) {
    return this.prisma.favorite.findMany({ where: { userId: request.signedInUserId }, orderBy: { id: 'asc' } });
  }

  @Post()
  @HttpCode(201)
  async add(@Req() request: SignedInRequest, @Body() body: unknown) {
    const title = typeof body === 'object' && body !== null ? (body as { title?: unknown }).title : undefined;
    if (typeof title !== 'string' || title.trim() === '' || title.length > 255) {
      throw new BadRequestException('title must be a string of 1 to 255 characters');
    }
    const user = await this.prisma.user.findUnique({ where: { id: request.signedInUserId } });
    if (!user) throw new BadRequestException('no User row yet: POST /api/auth/sync first');
    return this.prisma.favorite.create({ data: { userId: user.id, title: title.trim() } });
  }
}
