import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ConflictError, NotFoundError } from '@platform/errors';
import { isUniqueViolation } from '../shared/postgres';
import { UserEntity } from './user.entity';

@Injectable()
export class UserService {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<UserEntity | null> {
    return manager.findOneBy(UserEntity, { id });
  }

  async requireById(id: string, manager?: EntityManager): Promise<UserEntity> {
    const user = await this.findById(id, manager);
    if (!user) throw new NotFoundError('User', id);
    return user;
  }

  findByEmail(email: string, manager: EntityManager = this.dataSource.manager): Promise<UserEntity | null> {
    return manager
      .createQueryBuilder(UserEntity, 'u')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
  }

  /** CONFLICT when the email is taken, including by a concurrent registration (unique index). */
  async create(
    manager: EntityManager,
    input: { email: string; name: string; passwordHash: string | null; emailVerified: boolean },
  ): Promise<UserEntity> {
    try {
      return await manager.save(manager.create(UserEntity, { ...input, email: input.email.toLowerCase() }));
    } catch (error) {
      if (isUniqueViolation(error, 'uq_users_email')) {
        throw new ConflictError('An account with this email already exists');
      }
      throw error;
    }
  }

  async updateName(userId: string, name: string): Promise<UserEntity> {
    await this.dataSource.manager.update(UserEntity, { id: userId }, { name });
    return this.requireById(userId);
  }

  async setPasswordHash(manager: EntityManager, userId: string, passwordHash: string): Promise<void> {
    await manager.update(UserEntity, { id: userId }, { passwordHash });
  }

  async markEmailVerified(manager: EntityManager, userId: string): Promise<void> {
    await manager.update(UserEntity, { id: userId, emailVerified: false }, { emailVerified: true });
  }

  async rememberOrganization(userId: string, organizationId: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).update(
      UserEntity,
      { id: userId },
      { lastOrganizationId: organizationId },
    );
  }

  /** Upgrades a hash to the current argon2 parameters unless the password changed meanwhile. */
  async setPasswordHashIfUnchanged(
    userId: string,
    previousHash: string,
    passwordHash: string,
  ): Promise<void> {
    await this.dataSource.manager.update(
      UserEntity,
      { id: userId, passwordHash: previousHash },
      { passwordHash },
    );
  }
}
