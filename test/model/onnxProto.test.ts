import { describe, expect, it } from 'vitest';
import { AttributeProto, AttributeType, ModelProto, NodeProto, TensorProto, TensorShapeProto } from '../../src/model/onnxProto.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// Expected bytes are worked by hand from onnx.proto's field numbers: a tag is (field << 3) | wire
// type, wire type 0 = varint, 2 = length-delimited. protobufjs writes fields in field-number order.
describe('onnx.proto subset: wire format', () => {
  it('ModelProto: ir_version = 1, opset_import = 8 (domain = 1, version = 2)', () => {
    const bytes = ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }] }).finish();
    // 08 08 | 42 04 [0a 00 | 10 11]
    expect(hex(bytes)).toBe('0808' + '4204' + '0a00' + '1011');
  });

  it('AttributeProto: name = 1, ints = 8 unpacked (proto2), type = 20', () => {
    const bytes = AttributeProto.encode({ name: 'k', type: AttributeType.INTS, ints: [1, 2] }).finish();
    // 0a 01 'k' | 40 01 | 40 02 | a0 01 07  (tag of field 20 = 160 = varint a0 01)
    expect(hex(bytes)).toBe('0a016b' + '4001' + '4002' + 'a00107');
  });

  it('AttributeProto: f = 2 (fixed32 float), i = 3', () => {
    expect(hex(AttributeProto.encode({ f: 1 }).finish())).toBe('150000803f');
    expect(hex(AttributeProto.encode({ i: 300 }).finish())).toBe('18ac02');
  });

  it('TensorProto: dims = 1 unpacked, data_type = 2, name = 8, raw_data = 9', () => {
    const bytes = TensorProto.encode({ dims: [2, 3], dataType: 1, name: 'w', rawData: new Uint8Array([1, 2, 3, 4]) }).finish();
    expect(hex(bytes)).toBe('0802' + '0803' + '1001' + '420177' + '4a0401020304');
  });

  it('TensorShapeProto.Dimension: dim_value = 1, dim_param = 2', () => {
    const bytes = TensorShapeProto.encode({ dim: [{ dimParam: 'N' }, { dimValue: 3 }] }).finish();
    expect(hex(bytes)).toBe('0a0312014e' + '0a020803');
  });

  it('NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5', () => {
    const bytes = NodeProto.encode({ input: ['x'], output: ['y'], name: 'n', opType: 'Relu', attribute: [{ name: 'a' }] }).finish();
    expect(hex(bytes)).toBe('0a0178' + '120179' + '1a016e' + '220452656c75' + '2a030a0161');
  });

  it('round-trips a model through decode', () => {
    const model = {
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      producerName: 'test',
      graph: { name: 'g', node: [{ opType: 'Relu', input: ['x'], output: ['y'] }] },
    };
    const decoded = ModelProto.toObject(ModelProto.decode(ModelProto.encode(model).finish()), { longs: Number });
    expect(decoded).toMatchObject(model);
  });
});
