#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
import{n as a,o as b,p as c,q as d,r as e}from"./chunk-V4OYRBRW.js";import"./chunk-UUOEAKFH.js";import"./chunk-J5CDXZZA.js";export{a as SIMULATOR_HEADER,d as createAttemptClient,e as createModelClient,c as createOpenAIClient,b as toUsage};
