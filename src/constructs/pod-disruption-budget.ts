import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import type { PodDisruptionBudgetModel } from '../model/types';
import { objectMeta } from './meta';

export interface PodDisruptionBudgetProps {
  /** The budget as modelled: name, selector and maxUnavailable. */
  readonly pdb: PodDisruptionBudgetModel;
}

/** Voluntary disruptions (node drains, cluster upgrades) take at most `maxUnavailable` pods at once. */
export class PodDisruptionBudget extends Construct {
  constructor(scope: Construct, id: string, props: PodDisruptionBudgetProps) {
    super(scope, id);
    const p = props.pdb;
    new k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: objectMeta(p.meta),
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(p.maxUnavailable),
        selector: { matchLabels: { ...p.selector } },
      },
    });
  }
}
