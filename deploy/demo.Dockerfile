# The demo services (demo/), run from their TypeScript sources with tsx. One image; docker-compose.yaml
# picks the service each container runs with DEMO_SERVICES.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# The OpenTelemetry SDK and tsx are devDependencies of the repository; no package needs its install
# scripts for the demo (better-sqlite3 is the controller's).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY demo ./demo
# Owned by the runtime user, so the named volume mounted here starts writable for it.
RUN mkdir -p /var/log/demo && chown node:node /var/log/demo
USER node
ENV DEMO_HOST=0.0.0.0 NODE_ENV=production
CMD ["node", "--import", "tsx", "demo/main.ts"]
