import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import Clerk from '@clerk/clerk-sdk-node';

@Injectable()
export class AuthService {
  constructor(private prisma: PrismaService) {}

  async syncUserWithClerk(userId: string) {
    // Clerk からユーザー情報を取得
    const clerkUser = await Clerk.users.getUser(userId);

    // DB にユーザーが存在するか確認
    let user = await this.prisma.user.findUnique({
      where: { id: userId },
    });

    // 存在しない場合は作成
    if (!user) {
      user = await this.prisma.user.create({
        data: {
          id: clerkUser.id,
          name: clerkUser.firstName ?? '',
          mail_address: clerkUser.emailAddresses[0]?.emailAddress ?? '',
        },
      });
    }

    return user;
  }
}
