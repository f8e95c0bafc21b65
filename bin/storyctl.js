#!/usr/bin/env node
// Thin launcher: all behaviour (and the exit code) lives in the compiled CLI.
import { launch } from '../dist/cli/launch.js';

await launch(process.argv);
