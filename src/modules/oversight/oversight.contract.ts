import { z } from 'zod';
import { zDay, zInstant } from '../../core/contract.ts';
import { ORGANISATION_TYPES } from '../organisations/index.ts';
import { OVERSIGHT_INDICATORS, TASK_COMPARISONS, TASK_STATES, TASK_UNITS } from './oversight.input.ts';

/** What the oversight routes answer (the web client's types are generated from these). */

export const ZTaskState = z.enum(TASK_STATES).meta({ id: 'TaskState' });
export const ZOversightIndicator = z.enum(OVERSIGHT_INDICATORS).meta({ id: 'OversightIndicator' });
const ZUnit = z.enum(TASK_UNITS).meta({ id: 'TaskUnit' });
const ZComparison = z.enum(TASK_COMPARISONS).meta({ id: 'TaskComparison' });

export const ZTaskFigure = z
  .object({
    id: z.uuid(),
    number: z.string(),
    title: z.string(),
    order: z.string(),
    indicator: z.string().describe('an OversightIndicator'),
    unit: ZUnit,
    target: z.number(),
    comparison: ZComparison,
    value: z.number().nullable().describe('as of the day; null: nothing to count yet'),
    numerator: z.number().nullable(),
    denominator: z.number().nullable(),
    detail: z.string().nullable(),
    deadline: zDay.nullable().describe('null: a standing task, due each year'),
    state: ZTaskState,
    basis: z.string().nullable(),
  })
  .meta({ id: 'TaskFigure' });

export const ZOversightBoard = z
  .object({
    asOf: zDay,
    organisation: z
      .object({ id: z.uuid(), code: z.string(), name: z.string(), type: z.enum(ORGANISATION_TYPES) })
      .nullable(),
    tasks: z.array(ZTaskFigure.extend({ titleEn: z.string(), organisationId: z.uuid().nullable() })),
    /** The units one level below, each with its figures (drill-down). */
    children: z.array(
      z.object({
        id: z.uuid(),
        code: z.string(),
        name: z.string(),
        type: z.enum(ORGANISATION_TYPES),
        hasChildren: z.boolean(),
        figures: z.array(ZTaskFigure),
      }),
    ),
  })
  .meta({ id: 'OversightBoard' });

export const ZOrderTask = z
  .object({
    id: z.uuid(),
    orderRef: z.string(),
    number: z.string(),
    titleVi: z.string(),
    titleEn: z.string(),
    indicator: ZOversightIndicator,
    unit: ZUnit,
    target: z.number(),
    comparison: ZComparison,
    deadline: zDay.nullable(),
    organisationId: z.uuid().nullable(),
    validFrom: zDay,
    validTo: zDay.nullable(),
    legalBasis: z.string().nullable(),
    createdAt: zInstant,
    updatedAt: zInstant,
  })
  .meta({ id: 'OrderTask' });

export const ZOrderTaskDetail = ZOrderTask.extend({
  progress: z.array(
    z.object({
      id: z.uuid(),
      organisationId: z.uuid().nullable(),
      day: zDay,
      value: z.number(),
      numerator: z.number().int().nullable(),
      denominator: z.number().int().nullable(),
      note: z.string().nullable(),
      createdAt: zInstant,
    }),
  ),
}).meta({ id: 'OrderTaskDetail' });
