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
    edges: Array<{ cursor: string; node: T }>;
    nodes: T[];
    pageInfo: PageInfo;
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
  @ObjectType(`${name}ConnectionBase`)
  class ConnectionBase {
    @Field(() => [Edge], { description: 'The items of this page with their cursors.' })
    edges: Edge[];

    @Field(() => [nodeType], { description: 'The items of this page.' })
    nodes: T[];

    @Field(() => PageInfo, { description: 'Paging information.' })
    pageInfo: PageInfo;

    constructor(
      page: Page<any>,
      map: (row: any) => T,
      private readonly count: () => Promise<number> | number,
    ) {
      this.edges = page.rows.map((row) => Object.assign(new Edge(), { cursor: page.cursorOf(row), node: map(row) }));
      this.nodes = this.edges.map((e) => e.node);
      this.pageInfo = Object.assign(new PageInfo(), {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        startCursor: this.edges[0]?.cursor ?? null,
        endCursor: this.edges[this.edges.length - 1]?.cursor ?? null,
      });
    }

    @Field(() => Int, { description: `How many ${what}s the whole list holds (all pages, same filters).` })
    get totalCount(): Promise<number> {
      return Promise.resolve(this.count());
    }
  }

  return ConnectionBase;
}
