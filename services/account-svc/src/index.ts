import { ServiceNames } from '@rag/contracts';
import { Outbox, fileSecret, modelNetworkGuard, type ServiceDefinition } from '@rag/platform';
import { accountConfig } from './config.js';
import { migrations } from './data/migrations.js';
import { ApiTokenRepository } from './data/api-token.repository.js';
import { TenantModelRepository } from './data/tenant-model.repository.js';
import { TenantRepository } from './data/tenant.repository.js';
import { UserRepository } from './data/user.repository.js';
import { ApiKeyService } from './domain/api-keys.js';
import { ModelService } from './domain/models.js';
import { PasswordHasher } from './domain/password.js';
import type { EventRelay } from './domain/ports.js';
import { SessionService } from './domain/sessions.js';
import { TenantService } from './domain/tenants.js';
import { UserService } from './domain/users.js';
import { apiKeyHandlers } from './handlers/api-key.handler.js';
import { modelHandlers } from './handlers/model.handler.js';
import { tenantHandlers } from './handlers/tenant.handler.js';
import { userHandlers } from './handlers/user.handler.js';

const OUTBOX_TABLE = 'account_outbox';

/** account-svc: users, tenants and memberships, API keys, and each tenant's model settings. */
export const accountService: ServiceDefinition<typeof accountConfig> = {
  name: ServiceNames.account,
  version: '0.1.0',
  description: 'Users, tenants, API keys and tenant model settings',
  config: accountConfig,
  migrations: [...migrations, Outbox.migration(OUTBOX_TABLE)],
  async start({ config, db, bus, logger }) {
    const outbox = new Outbox(db, bus, OUTBOX_TABLE, ServiceNames.account, logger);
    outbox.start();
    const events: EventRelay = {
      // The first flush may join a relay pass that began before our commit; the second then
      // starts after it, so the events of this request are out before the reply.
      flush: async () => {
        try {
          await outbox.flush();
          await outbox.flush();
        } catch (err) {
          logger.warn({ err }, 'events not published yet; the outbox relay will retry');
        }
      },
    };
    const users = new UserRepository(db, outbox);
    const tenants = new TenantRepository(db, outbox);
    const models = new TenantModelRepository(db, outbox);
    const tokens = new ApiTokenRepository(db, outbox);
    const hasher = new PasswordHasher(config.PASSWORD_SCRYPT_COST, config.PASSWORD_DECOY_SECRET ?? fileSecret(config.DATA_DIR, 'password-decoy.key'));
    const defaults = {
      llm_id: config.DEFAULT_CHAT_MODEL,
      embd_id: config.DEFAULT_EMBEDDING_MODEL,
      rerank_id: config.DEFAULT_RERANK_MODEL,
      asr_id: config.DEFAULT_ASR_MODEL,
      img2txt_id: config.DEFAULT_IMG2TXT_MODEL,
      api_key: config.DEFAULT_MODEL_API_KEY,
      base_url: config.DEFAULT_MODEL_BASE_URL,
    };
    const handlers = {
      ...userHandlers(new UserService(users, hasher, defaults, events), new SessionService(users, hasher, events)),
      ...apiKeyHandlers(new ApiKeyService(tokens, tenants, users, events)),
      ...tenantHandlers(new TenantService(tenants, models, events)),
      ...modelHandlers(new ModelService(models, events, modelNetworkGuard(config))),
    };
    return { handlers, stop: () => outbox.stop() };
  },
};
