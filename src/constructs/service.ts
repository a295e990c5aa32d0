import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import type { ServiceModel } from '../model/types';
import { objectMeta } from './meta';

export interface ServiceProps {
  /** The Service as modelled: name, selector, ports, headless or not. */
  readonly service: ServiceModel;
}

/** A Service from the model: ClusterIP (or headless), explicit label selector, named target ports. */
export class Service extends Construct {
  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);
    const s = props.service;
    new k8s.KubeService(this, 'Resource', {
      metadata: objectMeta(s.meta),
      spec: {
        type: 'ClusterIP',
        clusterIp: s.headless ? 'None' : undefined,
        publishNotReadyAddresses: s.publishNotReadyAddresses,
        sessionAffinity: s.sessionAffinity,
        selector: { ...s.selector },
        ports: s.ports.map((p) => ({
          name: p.name,
          port: p.port,
          targetPort: k8s.IntOrString.fromString(p.targetPort),
          protocol: 'TCP',
        })),
      },
    });
  }
}
