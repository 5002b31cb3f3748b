import { REDIS_URL } from '../helpers/redis.js';
import { eventQueueSuite } from './event-queue-suite.js';

eventQueueSuite(() => REDIS_URL);
