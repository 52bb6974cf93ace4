import { render } from 'preact';
import { t } from '../../src/ui/i18n';
import { ImportApp } from '../../src/ui/import/ImportApp';
import '../../src/ui/theme.css';

document.title = t('importTitle');
document.documentElement.lang = t('kitLang');
render(<ImportApp />, document.getElementById('app')!);
