# storyctl in a container, for `storyctl serve` in the cluster (deploy/serve). Two stages: the build
# needs the devDependencies (TypeScript, AssemblyScript for the log matcher's WebAssembly); the image
# keeps only what runs: bin/, dist/ and the production dependencies, as the non-root `node` user
# (uid 1000, which deploy/serve's securityContext names).
#
#   docker build -t storyctl:0.1.0 .
#
# Not built or tested on the project's own machines (no container runtime there): see deploy/README.md.

FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; the build is the next step.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY assembly ./assembly
COPY src ./src
COPY bin ./bin
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY bin ./bin
USER 1000:1000
ENTRYPOINT ["node", "/app/bin/storyctl.js"]
CMD ["serve", "-A", "--metrics-addr", ":9464"]
