# Grafana with the Tracing Ops plugin built from this checkout.
FROM node:24-bookworm AS plugin
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
# The plugin bundle needs no native add-ons (better-sqlite3 is the controller's), so skip install scripts.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

FROM grafana/grafana:13.2.2
COPY --from=plugin /src/dist /var/lib/grafana/plugins/seed-tracingops-app
COPY provisioning /etc/grafana/provisioning
