import { getAuth } from '@clerk/express';
import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';

export interface SignedInRequest extends Request {
  /** The user id from the verified session token (its `sub`). */
  signedInUserId: string;
}

/**
 * Lets a request through only with a valid session token (`Authorization: Bearer …`), verified by
 * `@clerk/express`'s `clerkMiddleware()` (installed in main.ts) networklessly with CLERK_JWT_KEY:
 * signature, expiry, and that it is a session token (not a JWT-template one).
 */
@Injectable()
export class SessionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<SignedInRequest>();
    const { userId } = getAuth(request);
    if (!userId) throw new UnauthorizedException('a valid session token is required');
    request.signedInUserId = userId;
    return true;
  }
}
