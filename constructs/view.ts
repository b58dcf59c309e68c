import type { ModelContext } from '../lib/model/context';
import { clean } from '../lib/model/render';
import { XosConstruct } from './base';
import type { Cloud } from './cloud';

export interface ViewProps {
  /** How the view is rendered: a JavaScript program, or an iframe of another page. */
  readonly type: 'javascript' | 'iframe';
  /** The URL that renders the view. */
  readonly url: string;
  /**
   * What the view is for.
   * @default none
   */
  readonly description?: string;
}

/** A View: a lens through which one kind of user sees the cloud (paper, section 3.3). */
export class View extends XosConstruct {
  public readonly kind = 'View' as const;
  public readonly type: 'javascript' | 'iframe';
  public readonly url: string;
  public readonly description?: string;

  constructor(scope: Cloud, id: string, props: ViewProps) {
    super(scope, id);
    this.type = props.type;
    this.url = props.url;
    this.description = props.description;
  }

  /** @internal */
  public toModel(ctx: ModelContext): void {
    ctx.views.push(clean({ kind: 'View', key: this.key, name: this.name, type: this.type, url: this.url, description: this.description }));
  }
}
