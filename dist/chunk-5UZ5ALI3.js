#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
import{m as a,n as b,o as c}from"./chunk-UKGPQSON.js";import"./chunk-G2QDSAZI.js";import"./chunk-J5CDXZZA.js";export{b as createAttemptClient,c as createModelClient,a as createOpenAIClient};
