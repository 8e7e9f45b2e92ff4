import type { Core } from '@strapi/strapi';
import { z } from 'zod';
import { queuesOf } from '../../queues';
import { runAsCompany, runAsSystem } from '../../tenancy';
import type { ConfirmationOutcome } from './services/confirmation';

/**
 * The confirmation job (queue `notifications`): one appointment, sent in its company's scope.
 * A sweeper re-queues phone bookings of the last day whose confirmation is still due.
 */
export const CONFIRMATION_JOB = 'appointment-confirmation';
const ConfirmationJobSchema = z.object({ appointmentId: z.number().int().positive(), companyId: z.number().int().positive() });

type ConfirmationService = { send(id: number): Promise<ConfirmationOutcome>; due(limit?: number): Promise<Array<{ id: number; companyId: number }>> };

export const registerAppointmentJobs = (strapi: Core.Strapi) => {
  const confirmations = () => strapi.service('api::appointment.confirmation') as unknown as ConfirmationService;
  const queues = queuesOf(strapi);

  queues.handle('notifications', CONFIRMATION_JOB, async (data) => {
    const { appointmentId, companyId } = ConfirmationJobSchema.parse(data);
    return runAsCompany(companyId, () => confirmations().send(appointmentId));
  });

  queues.sweep({
    name: 'due confirmations',
    async run() {
      const due = await runAsSystem('sweeper: due confirmations', () => confirmations().due());
      for (const { id, companyId } of due) {
        await queues.add('notifications', CONFIRMATION_JOB, { appointmentId: id, companyId }, { jobId: `confirm:${id}` });
      }
    },
  });
};
