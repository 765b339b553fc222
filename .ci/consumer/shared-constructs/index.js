'use strict';
// the library's own copy of cdk-observed (node_modules/cdk-observed beside this file)
exports.observed = require('cdk-observed');
exports.observedPath = require.resolve('cdk-observed');
