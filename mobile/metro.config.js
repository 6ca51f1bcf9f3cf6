// Metro keeps its caches inside the project (mobile/.cache, git-ignored) instead of the system
// temp directory, so a CI workspace is self-contained and a warm build stays warm.
const fs = require('fs');
const path = require('path');
const { getDefaultConfig } = require('expo/metro-config');
const { FileStore } = require('metro-cache');

const cache = path.join(__dirname, '.cache');
const fileMapCache = path.join(cache, 'metro-file-map');
fs.mkdirSync(fileMapCache, { recursive: true }); // Metro writes into it but does not create it

const config = getDefaultConfig(__dirname);
config.cacheStores = [new FileStore({ root: path.join(cache, 'metro') })];
config.fileMapCacheDirectory = fileMapCache;

module.exports = config;
