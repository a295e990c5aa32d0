/**
 * The rollout controller of an environment: its code (a content-named ConfigMap), its identity
 * (ServiceAccount, Role, RoleBinding), its Deployment, and the NodeRollout it reads and reports to.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import type { ControllerModel } from '../model/controller';
import { ConfigFiles } from './config-files';
import { objectMeta } from './meta';
import { PodMonitor } from './observability';
import { podTemplate } from './pod';
import { ServiceAccountWithRole } from './security';

export interface RolloutControllerProps {
  readonly controller: ControllerModel;
}

export class RolloutController extends Construct {
  constructor(scope: Construct, id: string, props: RolloutControllerProps) {
    super(scope, id);
    const c = props.controller;
    new ConfigFiles(this, 'Code', { config: c.code });
    new ServiceAccountWithRole(this, 'Identity', {
      serviceAccount: c.serviceAccount,
      role: c.role,
      binding: c.roleBinding,
    });
    new k8s.KubeDeployment(this, 'Resource', {
      metadata: objectMeta(c.deployment.meta),
      spec: {
        replicas: 1,
        selector: { matchLabels: { ...c.deployment.selector } },
        // A new revision starts before the old one stops; the Lease lets one act at a time.
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        template: podTemplate(c.deployment.pod),
      },
    });
    new ApiObject(this, 'NodeRollout', {
      apiVersion: c.nodeRollout.apiVersion,
      kind: c.nodeRollout.kind,
      metadata: objectMeta(c.nodeRollout.meta),
      spec: c.nodeRollout.spec,
    });
    if (c.podMonitor) new PodMonitor(this, 'PodMonitor', { monitor: c.podMonitor });
  }
}
