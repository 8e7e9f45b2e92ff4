import { scopePopulate, type GetModel } from './populate';
import { clearsRelation, leavesRelation, linkedRefs } from '../support/relation-input';

const models: Record<
  string,
  { attributes: Record<string, { type: string; target?: string; component?: string }> }
> = {
  'api::appointment.appointment': {
    attributes: {
      state: { type: 'string' },
      company: { type: 'relation', target: 'api::company.company' },
      customer: { type: 'relation', target: 'api::customer.customer' },
      service: { type: 'relation', target: 'api::service.service' },
      createdBy: { type: 'relation', target: 'admin::user' },
    },
  },
  'api::customer.customer': {
    attributes: {
      name: { type: 'string' },
      appointments: { type: 'relation', target: 'api::appointment.appointment' },
    },
  },
};
const getModel: GetModel = (uid) => models[uid];

describe('populate scoping', () => {
  it('adds the tenant filter to every company-owned relation, also for "*"', () => {
    expect(scopePopulate(getModel, 'api::appointment.appointment', '*', 7)).toEqual({
      company: { filters: { id: 7 } },
      customer: { filters: { company: { id: 7 } } },
      service: { filters: { company: { id: 7 } } },
      createdBy: {},
    });
  });

  it('keeps the caller’s filters and ANDs the tenant in, at every depth', () => {
    const scoped = scopePopulate(
      getModel,
      'api::appointment.appointment',
      { customer: { filters: { name: 'x' }, populate: ['appointments'] } },
      7
    );
    expect(scoped).toEqual({
      customer: {
        filters: { $and: [{ name: 'x' }, { company: { id: 7 } }] },
        populate: { appointments: { filters: { company: { id: 7 } } } },
      },
    });
  });

  it('reads dotted strings and arrays', () => {
    expect(
      scopePopulate(getModel, 'api::appointment.appointment', 'customer.appointments', 3)
    ).toEqual({
      customer: {
        filters: { company: { id: 3 } },
        populate: { appointments: { filters: { company: { id: 3 } } } },
      },
    });
  });
});

describe('relation inputs', () => {
  it('finds every document a write would link to', () => {
    expect(linkedRefs('doc1').refs).toEqual([{ documentId: 'doc1' }]);
    expect(linkedRefs(5).refs).toEqual([{ id: 5 }]);
    expect(
      linkedRefs({ connect: [{ id: 1, documentId: 'a' }], disconnect: [{ id: 2 }] }).refs
    ).toEqual([{ documentId: 'a' }]);
    expect(linkedRefs({ set: ['b', { id: 3 }] }).refs).toEqual([{ documentId: 'b' }, { id: 3 }]);
    expect(linkedRefs([{ foo: 1 }]).invalid).toBe(true);
  });

  it('tells apart leaving, clearing and setting a relation', () => {
    expect(leavesRelation({ connect: [], disconnect: [] })).toBe(true);
    expect(clearsRelation({ disconnect: [{ id: 1 }] })).toBe(true);
    expect(clearsRelation(null)).toBe(true);
    expect(leavesRelation('doc')).toBe(false);
  });
});
