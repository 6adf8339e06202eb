# The demo services (demo/), run from their TypeScript sources with tsx. One image; docker-compose.yaml
# picks the service each container runs with DEMO_SERVICES.
FROM node:24-bookworm-slim
WORKDIR /app
# The demo is its own npm workspace (`@tracingops/demo`): npm needs every workspace's manifest to read the lock
# file and installs the demo's packages only. None of them needs its install scripts.
COPY package.json package-lock.json .npmrc ./
COPY src/controller/package.json ./src/controller/
COPY demo/package.json ./demo/
RUN npm ci --workspace=@tracingops/demo --include-workspace-root=false --omit=dev --ignore-scripts
COPY demo ./demo
# Owned by the runtime user, so the named volume mounted here starts writable for it.
RUN mkdir -p /var/log/demo && chown node:node /var/log/demo
USER node
ENV DEMO_HOST=0.0.0.0 NODE_ENV=production
CMD ["node", "--import", "tsx", "demo/main.ts"]
