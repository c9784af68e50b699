import { Body, Controller, ForbiddenException, NotFoundException, Post, Req, UseGuards } from '@nestjs/common';
import { Prisma } from '#prisma';
import { AuthService } from './auth.service';
import { SessionGuard, type SignedInRequest } from './session.guard';

/**
 * The seed's `POST /api/auth/sync`. The seed trusts `{ userId }` from the body, so anyone could create
 * a row for any user id. Here the user is the one in the verified session token; a body naming another
 * user is refused with 403 (the seed's front end still sends `{ userId }`, which must match).
 */
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('sync')
  @UseGuards(SessionGuard)
  async sync(@Req() request: SignedInRequest, @Body() body: unknown) {
    const claimed = typeof body === 'object' && body !== null ? (body as { userId?: unknown }).userId : undefined;
    if (claimed !== undefined && claimed !== request.signedInUserId) {
      throw new ForbiddenException('userId does not match the signed-in user');
    }
    try {
      return await this.auth.syncUserWithClerk(request.signedInUserId);
    } catch (error) {
      // Two syncs at once (or a sync racing the user.created webhook): the loser's create hits the
      // primary key; the row exists now, so the service finds it the second time.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        return this.auth.syncUserWithClerk(request.signedInUserId);
      }
      // The SDK's ClerkAPIResponseError: the user was deleted after the token was issued.
      if ((error as { status?: number }).status === 404) throw new NotFoundException('no such user');
      throw error;
    }
  }
}
