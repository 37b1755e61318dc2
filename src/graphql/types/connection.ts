import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { Page } from '../../services/pagination';

@ObjectType('PageInfo', { description: 'Where a page sits in its list (Relay cursor connections).' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page.' })
  hasNextPage: boolean;

  @Field({ description: 'True when items precede this page (a page reached through a cursor reports true).' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item; null on an empty page.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item; null on an empty page.' })
  endCursor: string | null;
}

/** The parts every connection of a node type shares; subclass it with @ObjectType('<Name>Connection'). */
export interface ConnectionBaseType<T> {
  new (page: Page<any>, map: (row: any) => T, count: () => Promise<number> | number): {
    readonly edges: Array<{ cursor: string; node: T }>;
    readonly nodes: T[];
    readonly pageInfo: PageInfo;
    readonly totalCount: Promise<number>;
  };
}

/** Builds the `<Name>Edge` type and an abstract connection class for a node type. */
export function connectionTypes<T extends object>(nodeType: ClassType<T>, name: string, what: string): ConnectionBaseType<T> {
  @ObjectType(`${name}Edge`, { description: `One ${what} in a list, with its cursor.` })
  class Edge {
    @Field({ description: 'Pass as `after` or `before` to page from this item.' })
    cursor: string;

    @Field(() => nodeType, { description: `The ${what}.` })
    node: T;
  }

  // Never referenced itself, so never emitted: each subclass is the real type and inherits these fields.
  // Edges, nodes and cursors are made when a field asks for them: the dashboard reads `nodes`
  // and `pageInfo`, and a cursor for every row it never shows is work for nothing.
  @ObjectType(`${name}ConnectionBase`)
  class ConnectionBase {
    private nodeList?: T[];
    private edgeList?: Edge[];

    constructor(
      private readonly page: Page<any>,
      private readonly map: (row: any) => T,
      private readonly count: () => Promise<number> | number,
    ) {}

    @Field(() => [Edge], { description: 'The items of this page with their cursors.' })
    get edges(): Edge[] {
      const nodes = this.nodes;
      return (this.edgeList ??= this.page.rows.map((row, i) => Object.assign(new Edge(), { cursor: this.page.cursorOf(row), node: nodes[i] })));
    }

    @Field(() => [nodeType], { description: 'The items of this page.' })
    get nodes(): T[] {
      return (this.nodeList ??= this.page.rows.map(this.map));
    }

    @Field(() => PageInfo, { description: 'Paging information.' })
    get pageInfo(): PageInfo {
      const { rows, cursorOf } = this.page;
      return Object.assign(new PageInfo(), {
        hasNextPage: this.page.hasNextPage,
        hasPreviousPage: this.page.hasPreviousPage,
        startCursor: rows.length > 0 ? cursorOf(rows[0]) : null,
        endCursor: rows.length > 0 ? cursorOf(rows[rows.length - 1]) : null,
      });
    }

    @Field(() => Int, { description: `How many ${what}s the whole list holds (all pages, same filters).` })
    get totalCount(): Promise<number> {
      return Promise.resolve(this.count());
    }
  }

  return ConnectionBase;
}
