/** Every component the engine knows, by class name (AGENTS.md §6, §7). */
import type { ComponentSpec } from '../component.js';
import { Agent } from './agent.js';
import { Begin } from './begin.js';
import { Categorize } from './categorize.js';
import { Iteration, IterationItem } from './iteration.js';
import { ListOperations } from './list-operations.js';
import { LLM } from './llm.js';
import { ExitLoop, Loop, LoopItem } from './loop.js';
import { Message } from './message.js';
import { Retrieval } from './retrieval.js';
import { StringTransform } from './string-transform.js';
import { Switch } from './switch.js';
import { UserFillUp } from './user-fill-up.js';
import { VariableAggregator } from './variable-aggregator.js';
import { VariableAssigner } from './variable-assigner.js';

const ALL: ComponentSpec[] = [Begin, Message, Switch, Categorize, LLM, VariableAggregator, StringTransform, UserFillUp, Iteration, IterationItem, Loop, LoopItem, ExitLoop, VariableAssigner, Retrieval, ListOperations, Agent];

export const COMPONENTS: ReadonlyMap<string, ComponentSpec> = new Map(ALL.map((spec) => [spec.type, spec]));
