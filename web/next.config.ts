import type { NextConfig } from 'next';

const config: NextConfig = {
  output: 'export',
  // Every page is a folder with index.html, so a plain static server (the local host, S3) finds it.
  trailingSlash: true,
  images: { unoptimized: true },
  // The repository's `npm run typecheck` checks web/ (tsconfig.json here); the build need not again.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
};

export default config;
