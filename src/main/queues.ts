import { Queue, Worker, type Job } from 'bullmq';
import type { Config } from '../config';
import { queueSettings, type QueueName } from '../queues';
import type { Redis } from '../store/redis';

/**
 * The BullMQ queues and workers of one Redis connection, each with its queue's settings
 * (src/queues: job options, retries, stalled-job recovery) and the configured prefix. The
 * composition roots (roles.ts) are the only place that builds them (`npm run lint`).
 */
export class Bull {
  private readonly settings: ReturnType<typeof queueSettings>;

  constructor(
    private readonly config: Config,
    private readonly connection: Redis,
  ) {
    this.settings = queueSettings(config);
  }

  queue<T>(name: QueueName): Queue<T> {
    return new Queue<T>(name, { connection: this.connection, prefix: this.config.redis.queuePrefix, defaultJobOptions: this.settings[name].jobs });
  }

  worker<T>(name: QueueName, processor: (job: Job<T>) => Promise<unknown>): Worker<T> {
    return new Worker<T>(name, processor, { ...this.settings[name].worker, connection: this.connection, prefix: this.config.redis.queuePrefix });
  }
}
