import { defineConfig } from 'vitest/config';
import { developerProjectsOrExit, TAGS } from './vitest.workspace.ts';

export default defineConfig({
  test: {
    projects: developerProjectsOrExit(),
    tags: TAGS,
  },
});
