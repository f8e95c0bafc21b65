#!/usr/bin/env node
// Thin launcher: all behaviour (and the exit code) lives in the compiled CLI.
import { main } from '../dist/cli/main.js';

await main(process.argv);
