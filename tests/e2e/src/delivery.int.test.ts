import { describeDeliveryPath } from './delivery-path';
import { Pipeline } from './pipeline';

describeDeliveryPath('delivery path, end to end on real servers', () => Pipeline.start());
