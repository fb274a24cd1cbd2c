# BOK on the current Node LTS. Build: docker build -t bok .   (see docker-compose.yml)
# Stage 1 compiles the TypeScript (tsc, a dev dependency); stage 2 runs the compiled JavaScript with
# the production dependencies only (no transpiler in memory: about 130 MB less resident memory).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY seeds ./seeds
RUN npm run build

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/var/lib/bok \
    FILES_DIR=/srv/bok-files
WORKDIR /app
# DejaVu TTF: PDFs (receipts, labels) embed it directly; the npm WOFF fallback is far slower to load.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Dev dependencies (tests, linters, browser driver, compiler) are left out; tsx stays for the CLI
# commands (npm run migrate, backup, …), which run from the TypeScript sources.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY src ./src
COPY views ./views
COPY public ./public
COPY migrations ./migrations
COPY seeds ./seeds
COPY tsconfig.json ./
RUN mkdir -p /var/lib/bok /srv/bok-files && chown -R node:node /var/lib/bok /srv/bok-files
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# The heap flags of `npm start` (package.json): V8 collects before it grows the heap (peak RSS ~175 MB).
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=8", "dist/src/server.js"]
