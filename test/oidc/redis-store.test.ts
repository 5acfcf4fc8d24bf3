// The Redis store and rate limiter against a real Redis (the test run's single server); the
// same behaviours run through Sentinel and on a Cluster in redis-topologies.test.ts.
import { inject } from "vitest";
import { connectRedis } from "../../src/redis.js";
import { redisStateBehaviours } from "../support/redis-behaviours.js";

redisStateBehaviours(() => connectRedis(inject("redisUrl")));
