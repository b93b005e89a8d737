// The one-script-tag build of <conv-animation> (dist/embed/conv-animation.js, bundled by
// web/embed.config.ts): importing it registers the element.
import { defineConvAnimation } from './element.js';

defineConvAnimation();
