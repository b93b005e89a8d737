// The tests import the library from src/ (not through the package entry): install the Node platform,
// as the package's \`node\` entry does.
import '../src/platform/install-node.js';
