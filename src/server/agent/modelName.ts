import { basename } from 'node:path';
import { isBuiltInModel } from '../../model/modelCache.js';

/**
 * The name the agent serves its model under (KServe's /v2/models/{name}): a built-in's own name
 * ('resnet50', 'tiny'; its cache file is named tiny-seed1.onnx), else the file's name without .onnx.
 */
export function modelNameOf(source: string): string {
  if (isBuiltInModel(source)) return source;
  return basename(source).replace(/\.onnx$/i, '');
}
