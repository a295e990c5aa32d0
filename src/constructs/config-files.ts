import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import type { ConfigFilesModel } from '../model/types';
import { objectMeta } from './meta';

export interface ConfigFilesProps {
  /** The ConfigMap as modelled: name, labels, wave, and its files. */
  readonly config: ConfigFilesModel;
}

/** A ConfigMap of files (configuration, a script, release files). */
export class ConfigFiles extends Construct {
  constructor(scope: Construct, id: string, props: ConfigFilesProps) {
    super(scope, id);
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: objectMeta(props.config.meta),
      data: Object.fromEntries(props.config.files),
    });
  }
}
