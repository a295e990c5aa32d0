#!/usr/bin/env node
/**
 * The axon-deploy command line of this working tree, for the npm scripts of this repository and
 * `cdk8s synth`: rebuilds lib/ when a source changed (a fraction of a second), then runs the
 * same executable the package ships (lib/bin.js).
 */
'use strict';
require('./build.cjs').buildBundle(true);
require('../lib/bin.js');
