/**
 * Lambda event-filter patterns that keep every stream record except the ones a given writer
 * marked as its own. Lambda processes a record when it matches ANY of the patterns:
 * - the new image carries a marker that is not this writer's (another function's write);
 * - the new image has no string marker (an unmarked write, or a record with no new image);
 * - the record is a delete (deletes are kept whoever marked the item before).
 * A record whose new image carries this writer's marker matches none of them and is dropped.
 */
export function ownWriteFilterPatterns(markerAttribute: string, marker: string): Array<{ [key: string]: any }> {
  return [
    { dynamodb: { NewImage: { [markerAttribute]: { S: [{ 'anything-but': [marker] }] } } } },
    { dynamodb: { NewImage: { [markerAttribute]: { S: [{ exists: false }] } } } },
    { eventName: ['REMOVE'] },
  ];
}
