import protobuf from 'protobufjs';

/**
 * The subset of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto, proto2) this project writes and
 * reads, as a protobufjs JSON descriptor. Field numbers are the official ones: a wrong number here
 * would still round-trip through protobufjs but onnxruntime would read garbage, so tests check the
 * wire bytes. Fields we never use are left out; unknown fields in a decoded file are skipped.
 *
 * proto2 repeated scalars are unpacked unless the .proto says `[packed = true]`, so every repeated
 * scalar states its encoding explicitly (protobufjs would otherwise pick one for us).
 */
const UNPACKED = { packed: false };
const PACKED = { packed: true };

const descriptor = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            refAttrName: { type: 'string', id: 21 },
            docString: { type: 'string', id: 13 },
            type: { type: 'AttributeType', id: 20 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            g: { type: 'GraphProto', id: 6 },
            floats: { rule: 'repeated', type: 'float', id: 7, options: UNPACKED },
            ints: { rule: 'repeated', type: 'int64', id: 8, options: UNPACKED },
            strings: { rule: 'repeated', type: 'bytes', id: 9 },
            tensors: { rule: 'repeated', type: 'TensorProto', id: 10 },
            graphs: { rule: 'repeated', type: 'GraphProto', id: 11 },
          },
          nested: {
            AttributeType: {
              values: {
                UNDEFINED: 0,
                FLOAT: 1,
                INT: 2,
                STRING: 3,
                TENSOR: 4,
                GRAPH: 5,
                FLOATS: 6,
                INTS: 7,
                STRINGS: 8,
                TENSORS: 9,
                GRAPHS: 10,
                SPARSE_TENSOR: 11,
                SPARSE_TENSORS: 12,
                TYPE_PROTO: 13,
                TYPE_PROTOS: 14,
              },
            },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
            docString: { type: 'string', id: 3 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            domain: { type: 'string', id: 7 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            docString: { type: 'string', id: 6 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            modelVersion: { type: 'int64', id: 5 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        StringStringEntryProto: {
          fields: {
            key: { type: 'string', id: 1 },
            value: { type: 'string', id: 2 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            docString: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
            valueInfo: { rule: 'repeated', type: 'ValueInfoProto', id: 13 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1, options: UNPACKED },
            dataType: { type: 'int32', id: 2 },
            floatData: { rule: 'repeated', type: 'float', id: 4, options: PACKED },
            int32Data: { rule: 'repeated', type: 'int32', id: 5, options: PACKED },
            stringData: { rule: 'repeated', type: 'bytes', id: 6 },
            int64Data: { rule: 'repeated', type: 'int64', id: 7, options: PACKED },
            name: { type: 'string', id: 8 },
            docString: { type: 'string', id: 12 },
            rawData: { type: 'bytes', id: 9 },
            externalData: { rule: 'repeated', type: 'StringStringEntryProto', id: 13 },
            dataLocation: { type: 'DataLocation', id: 14 },
            doubleData: { rule: 'repeated', type: 'double', id: 10, options: PACKED },
            uint64Data: { rule: 'repeated', type: 'uint64', id: 11, options: PACKED },
          },
          nested: {
            DataType: {
              values: {
                UNDEFINED: 0,
                FLOAT: 1,
                UINT8: 2,
                INT8: 3,
                UINT16: 4,
                INT16: 5,
                INT32: 6,
                INT64: 7,
                STRING: 8,
                BOOL: 9,
                FLOAT16: 10,
                DOUBLE: 11,
                UINT32: 12,
                UINT64: 13,
                COMPLEX64: 14,
                COMPLEX128: 15,
                BFLOAT16: 16,
              },
            },
            DataLocation: { values: { DEFAULT: 0, EXTERNAL: 1 } },
          },
        },
        TensorShapeProto: {
          fields: {
            dim: { rule: 'repeated', type: 'Dimension', id: 1 },
          },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: {
                dimValue: { type: 'int64', id: 1 },
                dimParam: { type: 'string', id: 2 },
                denotation: { type: 'string', id: 3 },
              },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: {
            tensorType: { type: 'Tensor', id: 1 },
            denotation: { type: 'string', id: 6 },
          },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: 'int32', id: 1 },
                shape: { type: 'TensorShapeProto', id: 2 },
              },
            },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: 'string', id: 1 },
            version: { type: 'int64', id: 2 },
          },
        },
      },
    },
  },
};

export const onnxRoot = protobuf.Root.fromJSON(descriptor);
export const ModelProto = onnxRoot.lookupType('onnx.ModelProto');
export const GraphProto = onnxRoot.lookupType('onnx.GraphProto');
export const NodeProto = onnxRoot.lookupType('onnx.NodeProto');
export const AttributeProto = onnxRoot.lookupType('onnx.AttributeProto');
export const TensorProto = onnxRoot.lookupType('onnx.TensorProto');
export const ValueInfoProto = onnxRoot.lookupType('onnx.ValueInfoProto');
export const TypeProto = onnxRoot.lookupType('onnx.TypeProto');
export const TensorShapeProto = onnxRoot.lookupType('onnx.TensorShapeProto');
export const OperatorSetIdProto = onnxRoot.lookupType('onnx.OperatorSetIdProto');

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

/*
 * Plain-object shapes of the messages as this project writes them (protobufjs encodes plain
 * objects directly; camelCase names are protobufjs's mapping of the snake_case .proto names).
 */
export interface AttributeObject {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
}

export interface TensorObject {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

export interface NodeObject {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: AttributeObject[];
}

export interface DimensionObject {
  dimValue?: number;
  dimParam?: string;
}

export interface ValueInfoObject {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: DimensionObject[] } } };
}

export interface GraphObject {
  name: string;
  node: NodeObject[];
  initializer: TensorObject[];
  input: ValueInfoObject[];
  output: ValueInfoObject[];
  docString?: string;
}

export interface ModelObject {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  producerVersion?: string;
  docString?: string;
  graph: GraphObject;
  metadataProps?: { key: string; value: string }[];
}

export function encodeModel(model: ModelObject): Uint8Array {
  return ModelProto.encode(model).finish();
}
