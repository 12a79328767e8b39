import { UsageError } from '../../util/errors.js';

/** `sagemaker://<endpoint>[/<variant>]`: an endpoint name and, optionally, the production variant to send every request to. */
export interface SageMakerTargetUri {
  endpointName: string;
  variant?: string;
}

// SageMaker's own rules: up to 63 characters, letters, digits and hyphens, starting with a letter or digit.
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export function isSageMakerUri(text: string): boolean {
  return text.startsWith('sagemaker:');
}

export function parseSageMakerUri(text: string, flag = '--target'): SageMakerTargetUri {
  const match = /^sagemaker:\/\/([^/?#]+)(?:\/([^/?#]+))?\/?$/.exec(text);
  const example = `e.g. ${flag} sagemaker://my-endpoint or sagemaker://my-endpoint/AllTraffic`;
  if (!match) throw new UsageError(`${flag} '${text}' is not sagemaker://<endpoint>[/<variant>]`, example);
  const [, endpointName, variant] = match;
  if (!NAME.test(endpointName!)) throw new UsageError(`${flag}: '${endpointName}' is not a SageMaker endpoint name (letters, digits and hyphens, at most 63)`, example);
  if (variant !== undefined && !NAME.test(variant)) throw new UsageError(`${flag}: '${variant}' is not a production variant name (letters, digits and hyphens, at most 63)`, example);
  return { endpointName: endpointName!, ...(variant !== undefined ? { variant } : {}) };
}
