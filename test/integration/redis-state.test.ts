import { REDIS_URL } from '../helpers/redis.js';
import { redisStateSuite } from './redis-state-suite.js';

redisStateSuite(() => REDIS_URL);
