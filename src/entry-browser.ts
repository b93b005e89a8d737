// convlab for browsers and bundlers (the `browser` and `default` export conditions): the browser
// platform, then the whole API. Nothing on this path names a Node module.
import './platform/install-browser.js';

export * from './index.js';
