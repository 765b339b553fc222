import * as fc from 'fast-check';
import { accountConcurrencyCase, codeStorageCase } from './account';
import { apiCase } from './api';
import { consumeBucketCase } from './bucket';
import { functionCase } from './function';
import { dashboardCase, notificationCase, placementCase, serviceHealthCase } from './monitoring';
import { consumeQueueCase, observedQueueCase } from './queue';
import { consumeTableStreamCase, observedTableCase } from './table';
import { FuzzCase } from '../case';

/** Every public construct and method, about evenly. */
export const anyCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 3, arbitrary: functionCase },
  { weight: 2, arbitrary: observedQueueCase },
  { weight: 3, arbitrary: consumeQueueCase },
  { weight: 1, arbitrary: observedTableCase },
  { weight: 2, arbitrary: consumeTableStreamCase },
  { weight: 3, arbitrary: consumeBucketCase },
  { weight: 3, arbitrary: apiCase },
  { weight: 1, arbitrary: codeStorageCase },
  { weight: 1, arbitrary: accountConcurrencyCase },
  { weight: 1, arbitrary: notificationCase },
  { weight: 1, arbitrary: serviceHealthCase },
  { weight: 1, arbitrary: dashboardCase },
  { weight: 1, arbitrary: placementCase },
);
