# syntax=docker/dockerfile:1
# Build: install everything, generate the Prisma client and the protobuf code, compile TypeScript.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts buf.yaml buf.gen.yaml ./
COPY prisma ./prisma
COPY proto ./proto
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Run: compiled JavaScript, production dependencies, a non-root user.
FROM node:22-bookworm-slim
# HOST: every interface of the container (rolegate's default is loopback, unreachable from outside).
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/var/lib/rolegate/data KEYS_DIR=/var/lib/rolegate/keys
# argon2 allocates 19 MiB per password check in libuv's worker threads. glibc's defaults keep
# those blocks in one arena per thread (about +70 MB RSS); mmapping each anew costs a page fault
# per 4 KiB and tripled the CPU of a login. One arena that keeps up to 64 MiB free, and never
# mmaps such a block, holds about two checks' worth and reuses it (as `npm run start:prod`).
ENV MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=67108864
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
COPY prisma ./prisma
COPY views ./views
RUN mkdir -p /var/lib/rolegate/data /var/lib/rolegate/keys && chown -R node:node /var/lib/rolegate
USER node
VOLUME ["/var/lib/rolegate/data", "/var/lib/rolegate/keys"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A heap limit that fits the instance: V8 then collects well before it, instead of letting the
# heap grow to four times what is live (see README, Sizing). Raise it with the container's memory.
CMD ["node", "--max-old-space-size=512", "dist/main.js"]
