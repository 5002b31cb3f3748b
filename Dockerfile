# syntax=docker/dockerfile:1
# Build stage: install everything, compile TypeScript.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies and the compiled code only, as a non-root user.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
# The heap npm start runs with (package.json): V8 otherwise sizes it from the host's memory and lets
# it grow lazily to far more than Trellis uses (docs/operations.md). Workers add a smaller young
# generation (docker-compose.yml, npm run start:worker). Override with -e NODE_OPTIONS=...
ENV NODE_OPTIONS="--max-old-space-size=256"
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY issue_templates ./issue_templates
COPY webhooks ./webhooks
COPY demo ./demo
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve", "--role", "all"]
