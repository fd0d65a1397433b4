import { defineConfig } from 'vitest/config';
import projects, { TAGS } from './vitest.workspace.ts';

export default defineConfig({
  test: {
    projects,
    tags: TAGS,
  },
});
