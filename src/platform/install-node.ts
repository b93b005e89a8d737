// Installs the Node platform (the `node` entry and the CLI import this first).
import { setPlatform } from '../core/platform.js';
import { nodePlatform } from './node.js';

setPlatform(nodePlatform);
