// The CLI's face: `main` runs one command with injected streams and returns the exit status.
export * from './main.ts';
