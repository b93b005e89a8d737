// Installs the browser platform (the `browser` and `default` entries import this first).
import { setPlatform } from '../core/platform.js';
import { browserPlatform } from './browser.js';

setPlatform(browserPlatform);
