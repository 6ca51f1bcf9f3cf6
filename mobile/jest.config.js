// Two projects: the components run under jest-expo (as on iOS); `*.node.test.ts` run in plain
// Node, whose real fetch talks to real local HTTP servers (jest-expo swaps fetch for a stub).
const common = {
  cacheDirectory: '<rootDir>/.cache/jest',
  roots: ['<rootDir>/src'],
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' },
  clearMocks: true,
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'app',
      preset: 'jest-expo',
      testMatch: ['**/*.test.ts', '**/*.test.tsx'],
      testPathIgnorePatterns: ['/node_modules/', '\\.node\\.test\\.ts$'],
      setupFiles: ['<rootDir>/src/test/setup.ts'],
    },
    {
      ...common,
      displayName: 'node',
      testEnvironment: 'node',
      testMatch: ['**/*.node.test.ts'],
      transform: { '\\.[jt]sx?$': ['babel-jest', { presets: ['babel-preset-expo'] }] },
    },
  ],
};
